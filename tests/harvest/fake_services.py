"""A local fake of iNaturalist's API v1, Flickr's REST API and their photo hosts, on 127.0.0.1.

Answers are shaped like the real ones, as far as the harvester reads them; the fake filters by
taxon, exclusion, id_above and per_page as the real services do, but serves every licence it holds,
so the harvester's own licence checks are put to the test.
"""

from dataclasses import dataclass, field

from aiohttp import web
from multidict import MultiDictProxy


@dataclass(frozen=True)
class FakePhoto:
    id: int
    licence: str | None
    data: bytes


@dataclass(frozen=True)
class FakeObservation:
    id: int
    lineage: tuple[int, ...]
    """The observation's taxon id and its ancestors' ids."""
    login: str
    photos: tuple[FakePhoto, ...]


@dataclass(frozen=True)
class FakeFlickrPhoto:
    id: str
    search_text: str
    licence_id: str
    title: str
    tags: str
    data: bytes


@dataclass
class FakeServices:
    taxa: dict[str, int] = field(default_factory=dict)
    observations: list[FakeObservation] = field(default_factory=list)
    flickr_photos: list[FakeFlickrPhoto] = field(default_factory=list)
    flickr_api_key: str = "test-flickr-key"
    busy_answers_left: int = 0
    """Observation pages after the first answered 429 with Retry-After: 1 before being served."""
    base_url: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._log_request])
        app.router.add_get("/v1/taxa", self._taxa)
        app.router.add_get("/v1/observations", self._observations)
        app.router.add_get("/photos/{id}/medium.jpg", self._inaturalist_photo)
        app.router.add_get("/services/rest/", self._flickr_search)
        app.router.add_get("/flickr/{id}_{size}.jpg", self._flickr_photo)
        return app

    def photo_requests(self) -> list[str]:
        return [path for path, _ in self.requests if path.startswith(("/photos/", "/flickr/"))]

    def api_requests(self, path: str) -> list[dict[str, str]]:
        return [query for requested, query in self.requests if requested == path]

    @web.middleware
    async def _log_request(self, request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
        self.requests.append((request.path, dict(request.query)))
        return await handler(request)

    async def _taxa(self, request: web.Request) -> web.Response:
        wanted = request.query["q"].casefold()
        results = [
            {"id": taxon_id, "name": name, "matched_term": name, "rank": "species"}
            for name, taxon_id in self.taxa.items()
            if wanted in name.casefold()
        ]
        return web.json_response({"total_results": len(results), "page": 1, "results": results})

    async def _observations(self, request: web.Request) -> web.Response:
        query = request.query
        if int(query.get("id_above", 0)) > 0 and self.busy_answers_left:
            self.busy_answers_left -= 1
            return web.Response(status=429, headers={"Retry-After": "1"})
        matching = [observation for observation in self.observations if _matches(observation, query)]
        page = matching[: int(query.get("per_page", 30))]
        results = [self._observation_json(observation) for observation in page]
        return web.json_response({"total_results": len(matching), "page": 1, "results": results})

    def _observation_json(self, observation: FakeObservation) -> dict:
        return {
            "id": observation.id,
            "uri": f"https://www.inaturalist.org/observations/{observation.id}",
            "quality_grade": "research",
            "taxon": {"id": observation.lineage[-1], "ancestor_ids": list(observation.lineage)},
            "user": {"id": 7, "login": observation.login},
            "photos": [
                {
                    "id": photo.id,
                    "license_code": photo.licence,
                    "url": f"{self.base_url}/photos/{photo.id}/square.jpg",
                    "attribution": f"(c) {observation.login}, some rights reserved",
                }
                for photo in observation.photos
            ],
        }

    async def _inaturalist_photo(self, request: web.Request) -> web.Response:
        photo_id = int(request.match_info["id"])
        for observation in self.observations:
            for photo in observation.photos:
                if photo.id == photo_id:
                    return web.Response(body=photo.data, content_type="image/jpeg")
        raise web.HTTPNotFound()

    async def _flickr_search(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("api_key") != self.flickr_api_key:
            return web.json_response({"stat": "fail", "code": 100, "message": "Invalid API Key"})
        matching = [photo for photo in self.flickr_photos if photo.search_text == query["text"]]
        per_page, page = int(query["per_page"]), int(query["page"])
        shown = matching[(page - 1) * per_page : page * per_page]
        pages = -(-len(matching) // per_page)
        photos = {"page": page, "pages": pages, "perpage": per_page, "total": len(matching)}
        photos["photo"] = [self._flickr_photo_json(photo) for photo in shown]
        return web.json_response({"photos": photos, "stat": "ok"})

    def _flickr_photo_json(self, photo: FakeFlickrPhoto) -> dict:
        return {
            "id": photo.id,
            "owner": "12345@N00",
            "secret": "abc",
            "server": "65535",
            "title": photo.title,
            "ispublic": 1,
            "license": photo.licence_id,
            "ownername": "Flickr Photographer",
            "tags": photo.tags,
            "url_m": f"{self.base_url}/flickr/{photo.id}_m.jpg",
            "url_l": f"{self.base_url}/flickr/{photo.id}_b.jpg",
        }

    async def _flickr_photo(self, request: web.Request) -> web.Response:
        for photo in self.flickr_photos:
            if photo.id == request.match_info["id"]:
                return web.Response(body=photo.data, content_type="image/jpeg")
        raise web.HTTPNotFound()


def _matches(observation: FakeObservation, query: MultiDictProxy[str]) -> bool:
    wanted = {int(taxon) for taxon in query["taxon_id"].split(",")}
    excluded = {int(taxon) for taxon in query.get("without_taxon_id", "").split(",") if taxon}
    lineage = set(observation.lineage)
    return (
        observation.id > int(query.get("id_above", 0)) and bool(lineage & wanted) and not lineage & excluded
    )
