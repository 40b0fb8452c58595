"""Customer analytics: RFM summaries and the buy-till-you-die CLV models; reads other apps, never writes them."""
