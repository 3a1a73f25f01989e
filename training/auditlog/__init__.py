"""Browsing the audit trail (coordinators and admins): filters, pages, never a change."""
