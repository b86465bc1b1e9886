"""The Booth page: scan a buyer, log an inquiry, see the factory's leads."""
