"""Fact extractors: numbers, quoted terms and glossary notes, enumerations."""
