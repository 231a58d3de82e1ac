"""Fangkong (防控): community epidemic prevention and control."""

__version__ = "0.1.0"
