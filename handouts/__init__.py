"""handouts: one-page patient drug handouts, urgent warning signs first."""

__version__ = "0.1.0"
