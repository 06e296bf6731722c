WITH
  "repeat_buyers__scan" AS (
    SELECT
      "user_id" AS user_id,
      COUNT(*) AS count_1,
      COUNT(*) FILTER (WHERE COALESCE(CASE WHEN json_type("properties", '/amount') IN ('DOUBLE', 'BIGINT', 'UBIGINT') THEN CAST(json_extract_string("properties", '/amount') AS DOUBLE) END > 100, FALSE)) AS count_2
    FROM "shop"."events"
    WHERE ("ts" <= (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'))
      AND ("event" = 'purchase')
      AND ("ts" >= ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '90 days'))
    GROUP BY "user_id"
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "repeat_buyers__scan" AS s ON s.user_id = u."user_id"
WHERE (COALESCE(s.count_1, 0) >= 3)
  AND (COALESCE(s.count_2, 0) >= 1)
