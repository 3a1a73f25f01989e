"""Subsidy claims (补贴申领): preparing a cohort's claim, its life after that, its public notice and documents."""
