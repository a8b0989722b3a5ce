"""Azure Container Registry operations: ARM and the registry data plane through the Azure SDK.

Importing this package loads nothing: the data types in ``reports`` and the argument parsing in
``names`` are free of the SDK, and ``ops.AzureOps`` (which loads it) is imported only where a
command reaches Azure.
"""
