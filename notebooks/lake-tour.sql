-- transferlake: a tour of the tables, for data engineers.
-- Run it with `bin/transferlake sql -f notebooks/lake-tour.sql`, with spark-sql configured for the
-- lake (see README "Attaching other tools"), or paste the statements into a notebook. Every statement here is executed by the test suite
-- (HeadsAndScoringTest.everyNotebookQueryRuns), so this file cannot drift from the schema.

-- 1. Images per backbone, split and label.
SELECT backbone_id, split, label, count(*) AS images
FROM transferlake.features
GROUP BY backbone_id, split, label
ORDER BY backbone_id, split, label;

-- 2. Embedding sanity: dimension, and the share of exact zeros (ReLU6 backbones are sparse).
SELECT backbone_id, min(dim) AS min_dim, max(dim) AS max_dim,
       avg(aggregate(embedding, 0, (zeros, x) -> zeros + IF(x = 0, 1, 0)) / dim) AS zero_share
FROM transferlake.features
GROUP BY backbone_id;

-- 3. What was refused, and why.
SELECT stage, reason, count(*) AS images, max(at) AS last_seen
FROM transferlake.quarantine
GROUP BY stage, reason;

-- 4. Recent runs with their counts and stage timings.
SELECT run_id, job, status, counts, timings_seconds, error
FROM transferlake.runs
ORDER BY started_at DESC
LIMIT 20;

-- 5. Heads leaderboard.
SELECT head_id, algorithm, status, accuracy, macro_f1, log_loss, train_rows, test_rows
FROM transferlake.heads
ORDER BY accuracy DESC;

-- 6. Per-class precision and recall of each champion.
SELECT h.backbone_id, h.head_id, c.label, c.precision, c.recall, c.support
FROM transferlake.heads h LATERAL VIEW explode(h.per_class) t AS c
WHERE h.status = 'champion'
ORDER BY c.recall;

-- 7. Champion predictions against the labels we have.
SELECT f.label AS truth, p.label AS predicted, count(*) AS images
FROM transferlake.predictions p
JOIN transferlake.heads h ON p.head_id = h.head_id AND h.status = 'champion'
JOIN transferlake.features f ON f.path = p.path AND f.backbone_id = h.backbone_id
WHERE f.label IS NOT NULL
GROUP BY f.label, p.label
ORDER BY truth, predicted;

-- 8. The least confident predictions: candidates for labeling.
SELECT path, label, probability, top_k
FROM transferlake.predictions
ORDER BY probability ASC
LIMIT 20;

-- 9. Audit trail: every change to the head registry is a Delta version.
DESCRIBE HISTORY transferlake.heads;

-- 10. Time travel: the features as the first extract left them.
SELECT count(*) AS images_at_version_0 FROM transferlake.features VERSION AS OF 0;
