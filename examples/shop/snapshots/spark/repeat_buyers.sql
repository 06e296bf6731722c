WITH
  `repeat_buyers__scan` AS (
    SELECT
      `user_id` AS user_id,
      COUNT(*) AS count_1,
      COUNT(*) FILTER (WHERE COALESCE(CASE WHEN (schema_of_variant(try_element_at(try_variant_get(parse_json(`properties`), '$', 'map<string,variant>'), 'amount')) IN ('BIGINT', 'DOUBLE')) OR startswith(schema_of_variant(try_element_at(try_variant_get(parse_json(`properties`), '$', 'map<string,variant>'), 'amount')), 'DECIMAL') THEN variant_get(try_element_at(try_variant_get(parse_json(`properties`), '$', 'map<string,variant>'), 'amount'), '$', 'double') END > 100, FALSE)) AS count_2
    FROM `shop`.`events`
    WHERE (`ts` <= timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00'))
      AND (`event` = 'purchase')
      AND (`ts` >= (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '90' DAY))
    GROUP BY `user_id`
  )
SELECT u.`user_id` AS user_id
FROM `shop`.`users` AS u
LEFT JOIN `repeat_buyers__scan` AS s ON s.user_id = u.`user_id`
WHERE (COALESCE(s.count_1, 0) >= 3)
  AND (COALESCE(s.count_2, 0) >= 1)
