# Build a static binary, then ship it alone, running as an unprivileged user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hiroba . \
 && mkdir -p /out/data /out/tmp && chmod 1777 /out/tmp

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /out/tmp /tmp
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build /out/hiroba /hiroba
USER 65532:65532
# In a container the forum listens on every interface, which also keeps the
# development sign-in off: configure an OAuth provider (see README.md).
ENV HIROBA_ADDR=0.0.0.0:8080 \
    HIROBA_DATABASE_URL=sqlite:/data/hiroba.db
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/hiroba"]
CMD ["serve"]
