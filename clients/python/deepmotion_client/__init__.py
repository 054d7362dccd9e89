"""DeepMotion bridge Python client. Importing it never imports torch."""
__version__ = "0.1.0"
