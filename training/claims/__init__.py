"""Subsidy claims (补贴申领): a finished cohort's claim, line by line, its life, notice and documents."""
