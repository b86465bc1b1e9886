"""Files shipped with Expo Desk (fonts, sounds, icons, translations), read with importlib.resources."""
