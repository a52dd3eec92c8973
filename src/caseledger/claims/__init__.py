"""Claims: the X12 core, 837P claims from clean lines, 835 remittances read and written."""
