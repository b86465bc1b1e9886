"""Reading registration files: spreadsheets and CSVs to clean visitor records."""
