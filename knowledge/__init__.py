"""The knowledge base as data: one YAML file per topic id, plus catalog.txt (the id contract)."""
