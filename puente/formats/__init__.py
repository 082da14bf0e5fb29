"""Date formats, one per language (``FORMAT_MODULE_PATH``): the register shows dates as the seed documents do,
day/month/year, so that a page never mixes "Oct. 31, 2022", "31 Oct 2022" and "31/10/2022"."""
