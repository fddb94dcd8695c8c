"""The JSON API: thin routes over the case workflows and the read model."""
