"""REDCap: a data dictionary (the 18-column upload format) and the flat import CSV it describes."""
