// Builds reviews/data/world-110m.json: every country of Natural Earth 1:110m (via world-atlas)
// as an SVG path already projected into a 960-wide view box. The portal draws its choropleth
// on the server from that file, so nothing is fetched or projected at run time.
//
// Run with `make geo` (cd tools/geo && npm ci && node build.mjs); commit the output.

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";
import { geoEqualEarth, geoPath } from "d3-geo";

const here = dirname(fileURLToPath(import.meta.url));
const atlasDir = join(here, "node_modules", "world-atlas");
const output = join(here, "..", "..", "reviews", "data", "world-110m.json");

const WIDTH = 960;
// One decimal of a 960-unit box is a tenth of a pixel at full width: invisible, and it keeps
// the file small.
const DIGITS = 1;
// Antarctica has no pledges and would take a fifth of the height.
const LEFT_OUT = new Set(["010"]);

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const atlasVersion = readJson(join(atlasDir, "package.json")).version;
const topology = readJson(join(atlasDir, "countries-110m.json"));

const world = feature(topology, topology.objects.countries);
world.features = world.features.filter((f) => !LEFT_OUT.has(f.id));

// fitWidth scales the map to the width and puts its top edge at y = 0; the height is whatever
// the projection's aspect ratio makes of it.
const projection = geoEqualEarth().fitWidth(WIDTH, world);
const path = geoPath(projection).digits(DIGITS);
const height = Math.ceil(path.bounds(world)[1][1]);

const countries = world.features.map((f) => {
  const d = path(f);
  if (!d) throw new Error(`no outline for ${f.properties.name} (${f.id})`);
  return { id: f.id ?? null, name: f.properties.name, d };
});
// Code-point order, not localeCompare: the same on every machine, so the diff stays stable.
countries.sort((a, b) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : String(a.id) < String(b.id) ? -1 : 1,
);

// One country a line, so a rebuild diffs country by country.
const text =
  "{\n" +
  `  "source": ${JSON.stringify(
    `Natural Earth 1:110m via world-atlas ${atlasVersion} (countries-110m.json), ` +
      "projected with d3-geo geoEqualEarth; built by tools/geo/build.mjs",
  )},\n` +
  `  "licence": "public domain",\n` +
  `  "view_box": "0 0 ${WIDTH} ${height}",\n` +
  '  "countries": [\n' +
  countries.map((c) => `    ${JSON.stringify(c)}`).join(",\n") +
  "\n  ]\n}\n";

mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, text);
console.log(
  `wrote ${output}: ${countries.length} countries, view box 0 0 ${WIDTH} ${height}, ` +
    `${Buffer.byteLength(text)} bytes`,
);
