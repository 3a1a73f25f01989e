"""Enrollment under the capacity and subsidy rules."""
