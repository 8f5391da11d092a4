"""The sign-off service (Flask app factory); see the issue on signed acknowledgements."""
