"""Reading untrusted files into grids, within bounds."""
