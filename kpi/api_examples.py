"""The examples of using the API shown in the README and on the open-data page; the tests run the curl and Python
ones against a live server, so they keep working. `{origin}` stands for the portal's origin."""

CURL = "curl -s '{origin}/api/v1/series-values/?area=kumamoto&indicator=S1-G1-N1&kind=actual'"

PYTHON = """import json
from urllib.request import urlopen

url = "{origin}/api/v1/series-values/?area=kumamoto&kind=actual&page_size=1000"
rows = []
while url:  # every page: "next" is null on the last one
    with urlopen(url) as response:
        page = json.load(response)
    rows += page["results"]
    url = page["next"]
for row in rows[:3]:
    print(row["indicator"], row["fiscal_year_label"], row["value"], row["printed"])"""

POWER_QUERY = """let
    Source = Json.Document(Web.Contents("{origin}/api/v1/series-values/?area=kumamoto&page_size=1000")),
    Rows = Table.FromRecords(Source[results])
in
    Rows"""


def render(origin):
    """The examples with the origin filled in, by name (curl, python, power_query)."""
    return {
        name: text.replace("{origin}", origin)
        for name, text in (("curl", CURL), ("python", PYTHON), ("power_query", POWER_QUERY))
    }
