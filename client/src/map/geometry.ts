import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry, MultiLineString } from 'geojson';
import topoJson from '@pb/shared/data/geo/england_nhs_regions_icbs.topo.json';

export interface RegionProperties {
  nhser_code: string;
  nhser_name: string;
}

export interface IcbProperties {
  icb_ods_code: string;
  icb_name: string;
  nhser_code: string;
}

type BoundaryTopology = Topology<{
  nhs_regions: GeometryCollection<RegionProperties>;
  icbs: GeometryCollection<IcbProperties>;
}>;

/** England's NHS regions and ICBs, converted from the bundled TopoJSON once. */
export interface MapGeometry {
  regions: FeatureCollection<Geometry, RegionProperties>;
  icbs: FeatureCollection<Geometry, IcbProperties>;
  /** ICB boundaries inside England (each shared edge once). */
  icbBorders: MultiLineString;
  /** Region boundaries inside England. */
  regionBorders: MultiLineString;
  /** England's coastline and land border. */
  outline: MultiLineString;
}

let cached: MapGeometry | null = null;

export function mapGeometry(): MapGeometry {
  if (cached) return cached;
  const topology = topoJson as unknown as BoundaryTopology;
  const regions = feature(topology, topology.objects.nhs_regions) as FeatureCollection<Geometry, RegionProperties>;
  const icbs = feature(topology, topology.objects.icbs) as FeatureCollection<Geometry, IcbProperties>;
  cached = {
    regions,
    icbs,
    icbBorders: mesh(topology, topology.objects.icbs, (a, b) => a !== b),
    regionBorders: mesh(topology, topology.objects.nhs_regions, (a, b) => a !== b),
    outline: mesh(topology, topology.objects.nhs_regions, (a, b) => a === b),
  };
  return cached;
}

export function regionFeature(code: string): Feature<Geometry, RegionProperties> | undefined {
  return mapGeometry().regions.features.find((region) => region.properties.nhser_code === code);
}
