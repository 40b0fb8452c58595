"""The demo business: a Korean-Japanese home-goods retailer, simulated from stated models (docs/guide/demo-data.md).

`catalogue` holds the fixed reference data (brands, stores, products, name lists), `model` the stated
parameters, `simulate` the purchase model and `people`/`baskets` the rest of the pure simulation
(numpy, no database). `parts` holds one part per domain app, each writing its share through its app's
services or the bulk writer; `load` runs them in order over the `world` they share, and `truth` writes
the parameters beside the data. The demo sits above every app: nothing but its command imports it.
"""
