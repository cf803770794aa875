"""frontdesk: the front desk of a property-management service centre, in a terminal."""

__version__ = "0.1.0"
