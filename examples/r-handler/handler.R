# An R function for the r-runtime layer's custom runtime (_HANDLER=handler.fit): fits a straight
# line y = intercept + slope * x through the event's points with lm() and returns it.
# The event's JSON arrays arrive as R vectors; the returned list goes back as a JSON object.

# A condition of its own class: Lambda reports it as errorType "InvalidEvent".
invalid_event <- function(message) {
  stop(structure(class = c("InvalidEvent", "error", "condition"), list(message = message, call = NULL)))
}

fit <- function(event, context) {
  x <- event$x
  y <- event$y
  if (!is.numeric(x) || !is.numeric(y) || length(x) != length(y) || length(x) < 3) {
    invalid_event("the event needs x and y: numeric arrays of the same length, at least 3 points")
  }
  model <- lm(y ~ x)
  list(
    intercept = round(coef(model)[[1]], 10),
    slope = round(coef(model)[[2]], 10),
    r_squared = round(summary(model)$r.squared, 10),
    n = length(x),
    request_id = context$aws_request_id
  )
}
