# footbot in a container: a static binary on a distroless base. The knowledge base is built in;
# mount a folder and set KNOWLEDGE_DIR to use another.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /footbot ./cmd/footbot && mkdir /data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /footbot /footbot
# The data folder belongs to the user footbot runs as, so a new volume mounted there is writable.
COPY --from=build --chown=65532:65532 /data /data
ENV DATA_DIR=/data HTTP_ADDR=0.0.0.0:9090
VOLUME /data
EXPOSE 9090
ENTRYPOINT ["/footbot", "run"]
