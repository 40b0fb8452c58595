from ninja import NinjaAPI

api = NinjaAPI(title="Patronage API", version="1", urls_namespace="api")
