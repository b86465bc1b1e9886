"""The Exhibitors page: factories and their catalogues."""
