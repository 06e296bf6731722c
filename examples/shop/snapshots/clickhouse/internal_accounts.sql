SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
WHERE COALESCE(endsWith(lowerUTF8(u."email"), lowerUTF8('@example.com')), FALSE) OR COALESCE(u."plan" = 'staff', FALSE)
SETTINGS join_use_nulls = 1
