"""Files shipped with Expo Desk (fonts, sounds, icons, i18n), read with importlib.resources."""
