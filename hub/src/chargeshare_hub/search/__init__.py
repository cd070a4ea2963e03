"""Finding listings: near a point or in a box, filtered and sorted, on a spatial index."""
