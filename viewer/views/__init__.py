"""Qt views of the reading screen: MPR views, radiograph view, overlays, ReadingWidget."""
