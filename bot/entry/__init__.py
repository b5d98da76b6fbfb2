"""The ways in: the gunicorn web app, Socket Mode, the command line and the console."""
