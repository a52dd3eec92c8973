"""Services of each program, scheduled day by day into the booking book."""
