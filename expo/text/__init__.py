"""Normalisers for what people type: names, pinyin keys, phone numbers, visitor-type labels."""
