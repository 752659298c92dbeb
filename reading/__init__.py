"""Reading pages: HTML bytes and a site profile in, typed records out.

Pure functions only; it imports nothing of the project outside this package.
"""
