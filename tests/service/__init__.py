"""Tests of the sign-off service (tests/service/conftest.py has the fixtures)."""
