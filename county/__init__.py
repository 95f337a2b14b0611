"""The county reading station's logic (GUI-free): the Worklist over the county PACS, the shared reading
state (claims), and the cache of fetched studies. The GUI (viewer/county_panel.py) is a thin widget over it;
`tpacs worklist` prints the same rows."""
