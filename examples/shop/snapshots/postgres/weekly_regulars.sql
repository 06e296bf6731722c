WITH
  "weekly_regulars__r1_buckets" AS (
    SELECT
      "user_id" AS user_id,
      GREATEST((CAST(EXTRACT(EPOCH FROM (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "ts") * 1000000 AS BIGINT)) - 1, 0) / 604800000000 AS bucket,
      COUNT(*) AS hits
    FROM "shop"."events"
    WHERE ("ts" <= (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'))
      AND ("ts" >= ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '28 days'))
      AND ("event" = 'login')
    GROUP BY "user_id", GREATEST((CAST(EXTRACT(EPOCH FROM (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')) * 1000000 AS BIGINT) - CAST(EXTRACT(EPOCH FROM "ts") * 1000000 AS BIGINT)) - 1, 0) / 604800000000
  ),
  "weekly_regulars__r1" AS (
    SELECT
      user_id,
      COUNT(*) FILTER (WHERE hits >= 1) AS good,
      COUNT(*) AS busy
    FROM "weekly_regulars__r1_buckets"
    GROUP BY user_id
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "weekly_regulars__r1" AS r_1 ON r_1.user_id = u."user_id"
WHERE COALESCE(r_1.good, 0) >= 3
