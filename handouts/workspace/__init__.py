"""Workspace: the clinic's folder in, a catalogue of drugs, a brand and settings out.

``catalogue`` reads every file under sources/ into drugs (one bad file is an error, never a stop);
``config`` reads handouts.toml, ``brand`` a brand folder (checked by ``asset_refs`` and ``contrast``);
``extract``, ``scaffold`` and ``fetch`` write into a workspace for the pharmacist.
"""
