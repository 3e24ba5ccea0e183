"""Reading and writing office spreadsheets."""
