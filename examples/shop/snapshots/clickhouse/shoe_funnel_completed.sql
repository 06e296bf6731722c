WITH
  "shoe_funnel_completed__q1_instants" AS (
    SELECT
      "user_id" AS user_id,
      "ts" AS ts,
      CASE WHEN ("event" = 'view_item') AND COALESCE(lowerUTF8(CASE WHEN JSONType("properties", 'category') IN ('String') THEN JSONExtractString("properties", 'category') END) = lowerUTF8('shoes'), FALSE) AND ("ts" >= (now64(6, 'UTC') - INTERVAL 30 DAY)) THEN 1 ELSE 0 END AS f_1,
      CASE WHEN ("event" = 'add_to_cart') AND COALESCE(lowerUTF8(CASE WHEN JSONType("properties", 'category') IN ('String') THEN JSONExtractString("properties", 'category') END) = lowerUTF8('shoes'), FALSE) THEN 1 ELSE 0 END AS f_2,
      CASE WHEN "event" = 'begin_checkout' THEN 1 ELSE 0 END AS f_3,
      CASE WHEN "event" = 'purchase' THEN 1 ELSE 0 END AS f_4
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("event" IN ('add_to_cart', 'begin_checkout', 'purchase', 'view_item'))
      AND ("ts" >= (now64(6, 'UTC') - INTERVAL 30 DAY))
  ),
  "shoe_funnel_completed__q1_chain2" AS (
    SELECT
      *,
      CASE WHEN f_2 = 1 THEN MAX(CASE WHEN f_1 = 1 THEN ts END) OVER (PARTITION BY user_id ORDER BY ts, f_1 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END AS l_2
    FROM "shoe_funnel_completed__q1_instants"
  ),
  "shoe_funnel_completed__q1_chain3" AS (
    SELECT
      *,
      CASE WHEN f_3 = 1 THEN MAX(l_2) OVER (PARTITION BY user_id ORDER BY ts, f_2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END AS l_3
    FROM "shoe_funnel_completed__q1_chain2"
    WHERE (l_2 IS NOT NULL) OR (f_3 = 1) OR (f_4 = 1)
  ),
  "shoe_funnel_completed__q1_chain4" AS (
    SELECT
      *,
      CASE WHEN f_4 = 1 THEN MAX(l_3) OVER (PARTITION BY user_id ORDER BY ts, f_3 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END AS l_4
    FROM "shoe_funnel_completed__q1_chain3"
    WHERE (l_3 IS NOT NULL) OR (f_4 = 1)
  ),
  "shoe_funnel_completed__q1" AS (
    SELECT
      user_id,
      MAX(CASE WHEN (l_4 IS NOT NULL) AND (ts <= (l_4 + INTERVAL 1 DAY)) THEN 1 ELSE 0 END) AS hit
    FROM "shoe_funnel_completed__q1_chain4"
    GROUP BY user_id
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "shoe_funnel_completed__q1" AS q_1 ON q_1.user_id = u."user_id"
WHERE COALESCE(q_1.hit, 0) = 1
SETTINGS join_use_nulls = 1
