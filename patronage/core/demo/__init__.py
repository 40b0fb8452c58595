"""The demo business: a Korean-Japanese home-goods retailer, simulated from stated models (docs/guide/demo-data.md).

`catalogue` holds the fixed reference data (brands, stores, products, name lists), `simulate` the
purchase model and `people`/`baskets` the rest of the pure simulation (numpy, no database);
`load` writes it all with bulk inserts and `truth` writes the parameters beside the data.
"""
