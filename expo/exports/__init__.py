"""What every file Expo Desk writes for people to open shares: cells that cannot run."""
