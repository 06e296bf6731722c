SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
WHERE COALESCE(right(lower(u."email"), length(lower('@example.com'))) = lower('@example.com'), FALSE) OR COALESCE(u."plan" = 'staff', FALSE)
