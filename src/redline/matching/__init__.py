"""Matching: candidate retrieval, name comparison, features and versioned algorithms."""
