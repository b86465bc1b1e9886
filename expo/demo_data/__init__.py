"""Reference data for the demo fair: industry belts, products, names, cities (all invented rows)."""
