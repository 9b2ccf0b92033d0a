"""Domain knowledge, apart from the rules that judge it: the compose project, programs with their
flags, images and ports, nginx and Caddy routing, the stack that links them, Terraform values,
and the schemas of the programs' config files.

Models import parsers and the engine's data types (documents, findings' model), never rules;
rules import models, never another rule family (tests/test_layering.py keeps both true).
"""
