"""The dashboard reads the other apps' data; it keeps no tables of its own."""
