-- Saved training datasets. The answer (data.parquet), the validated entity rows it was built from
-- (entities.parquet) and a metadata.json copy live under <dataDir>/datasets/<name>/; this table lists
-- them and holds the metadata a rebuild needs: the feature request, the pinned view versions and
-- snapshot ids, the entity rows' hash, row count and column statistics.

CREATE TABLE training_datasets (
  name        TEXT PRIMARY KEY,
  -- 'building' reserves the name while the files are written; only 'ready' datasets have data.
  status      TEXT NOT NULL CHECK (status IN ('building', 'ready')),
  -- JSON (server/datasets/dataset-metadata.ts); null while building.
  metadata    TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
